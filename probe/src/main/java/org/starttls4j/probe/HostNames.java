package org.starttls4j.probe;

/** IP literals as the core tells them from host names ({@link org.starttls4j.Certificates#isIpLiteral}). */
final class HostNames {

    private HostNames() {
    }

    static boolean isIpLiteral(String name) {
        return org.starttls4j.Certificates.isIpLiteral(name);
    }
}
