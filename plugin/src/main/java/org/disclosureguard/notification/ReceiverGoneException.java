package org.disclosureguard.notification;

/**
 * The receiver said it will take no more deliveries ({@code 410 Gone} from a webhook receiver). The relay disables
 * the channel: its pending rows become {@code disabled}, one ERROR ({@code DG-6022}) is logged, and no row of the
 * channel is attempted until an operator calls {@link NotificationOutbox#requeueDisabled}. Immutable.
 */
public class ReceiverGoneException extends DeliveryException {

    private static final long serialVersionUID = 1L;

    public ReceiverGoneException(String message) {
        super(message);
    }
}
