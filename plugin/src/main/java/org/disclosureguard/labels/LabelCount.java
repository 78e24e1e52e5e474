package org.disclosureguard.labels;

/** How much a labelling pass did: resources that got a record-level label, and elements that got inline labels. */
public final class LabelCount {
    int resources;
    int elements;

    public int resources() {
        return resources;
    }

    public int elements() {
        return elements;
    }

    @Override
    public String toString() {
        return resources + " resources, " + elements + " elements labelled";
    }
}
