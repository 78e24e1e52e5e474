/** Tests of the synthetic-uk-data command line. */
package org.disclosureguard.synthetic.cli;
