/** Text for the guard's own pages: HTML escaping shared by every page it renders. Depends on nothing. */
package org.disclosureguard.text;
