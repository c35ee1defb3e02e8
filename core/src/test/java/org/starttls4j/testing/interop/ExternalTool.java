package org.starttls4j.testing.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The programs the interop tests run, found on {@code PATH} (plus {@code /usr/sbin}, where Debian
 * puts {@code dovecot}, and {@code /usr/lib/news/bin}, where it puts {@code nnrpd}). A missing program fails the test with a message that says how to install
 * it; it never skips.
 */
public enum ExternalTool {
    /** OpenSSL's command line, for {@code s_client}. */
    OPENSSL("openssl", "openssl"),
    /** curl, for smtp://, imap://, pop3:// with {@code --ssl-reqd}. */
    CURL("curl", "curl"),
    /** Dovecot's master process (IMAP, POP3, LMTP and ManageSieve servers). */
    DOVECOT("dovecot", "dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-managesieved"),
    /** INN's NNTP reader server, run standalone ({@code nnrpd -D}); Debian puts it in /usr/lib/news/bin. */
    NNRPD("nnrpd", "inn2"),
    /** sieve-connect, a ManageSieve client (Perl). */
    SIEVE_CONNECT("sieve-connect", "sieve-connect"),
    /** NSD, the authoritative DNS server serving the resolvers' DNSSEC-signed test zones. */
    NSD("nsd", "nsd"),
    /** LDNS's key generator, for the test zones' signing keys. */
    LDNS_KEYGEN("ldns-keygen", "ldnsutils"),
    /** LDNS's zone signer. */
    LDNS_SIGNZONE("ldns-signzone", "ldnsutils"),
    /** Unbound, the validating recursive resolver in front of NSD for posttls-finger. */
    UNBOUND("unbound", "unbound"),
    /** Postfix's TLS probe, whose DANE verdicts the resolvers' tests compare with the library's. */
    POSTTLS_FINGER("posttls-finger", "postfix"),
    /** util-linux's unshare, to give posttls-finger a private /etc/resolv.conf. */
    UNSHARE("unshare", "util-linux"),
    /** GnuTLS's client, a third TLS stack: STARTTLS into SMTP, LMTP, IMAP, POP3, NNTP and ManageSieve. */
    GNUTLS_CLI("gnutls-cli", "gnutls-bin"),
    /** GnuTLS's test server (echo mode), a TLS server for the library's clients. */
    GNUTLS_SERV("gnutls-serv", "gnutls-bin"),
    /** GnuTLS's key and certificate tool, whose files the core's PEM reader must take as they are. */
    CERTTOOL("certtool", "gnutls-bin"),
    /** msmtp, the SMTP client of git send-email set-ups, mutt and scripts (GnuTLS); not msmtp-mta, which conflicts with Postfix. */
    MSMTP("msmtp", "msmtp");

    /** The script that installs every tool above; CI runs it from {@code .ci/run}. */
    public static final String INSTALL_SCRIPT = ".ci/install-interop-tools";

    private final String executable;
    private final String debianPackages;

    ExternalTool(String executable, String debianPackages) {
        this.executable = executable;
        this.debianPackages = debianPackages;
    }

    /**
     * The executable's path.
     *
     * @return an executable file
     * @throws AssertionError when it is not installed, naming the install script
     */
    public Path path() {
        List<Path> candidates = new ArrayList<>();
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, executable));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin", executable));
        candidates.add(Path.of("/usr/bin", executable));
        candidates.add(Path.of("/usr/lib/news/bin", executable));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(executable + " is not installed (Debian package(s): " + debianPackages
                + "). The interop tests need it: run `sudo " + INSTALL_SCRIPT + "` from the repository root"
                + " (CI runs it from .ci/run).");
    }

    /** The path as a string, for a command line. */
    public String command() {
        return path().toString();
    }
}
