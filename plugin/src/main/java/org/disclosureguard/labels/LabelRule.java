package org.disclosureguard.labels;

import java.util.List;

/**
 * One rule of the label configuration, after compilation: an element of one resource type and the labels it
 * gets. A rule written by datatype ({@code type: Address}) compiles into one target per path where that
 * datatype occurs.
 *
 * @param ruleId the id of the configuration rule this came from
 * @param path the element, as a path every FHIRPath engine can evaluate
 * @param labels the inline labels the element gets, in order, never empty
 * @param confidentiality the record-level confidentiality this element raises the resource to when present, or
 *     {@code null}
 * @param line the line of the rule in its configuration file
 */
public record LabelRule(String ruleId, ElementPath path, List<SecurityLabel> labels, Confidentiality confidentiality,
        int line) {

    public LabelRule {
        labels = List.copyOf(labels);
    }
}
