package org.disclosureguard.notification;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Metrics that write down every call as {@code "event:channel"}, in order. */
final class RecordingMetrics implements NotificationMetrics {

    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void delivered(String channel) {
        events.add("delivered:" + channel);
    }

    @Override
    public void retried(String channel) {
        events.add("retried:" + channel);
    }

    @Override
    public void failed(String channel) {
        events.add("failed:" + channel);
    }

    @Override
    public void disabled(String channel) {
        events.add("disabled:" + channel);
    }

    long count(String event) {
        return events.stream().filter(event::equals).count();
    }
}
