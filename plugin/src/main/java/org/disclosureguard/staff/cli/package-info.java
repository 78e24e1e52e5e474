/** The {@code staff} command: make password hashes for the staff accounts file. */
package org.disclosureguard.staff.cli;
