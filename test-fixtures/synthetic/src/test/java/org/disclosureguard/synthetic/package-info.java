/** Tests of the synthetic data generator, the shared-data conversion and the FHIR loader. */
package org.disclosureguard.synthetic;
