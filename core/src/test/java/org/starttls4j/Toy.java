package org.starttls4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A toy line protocol with fake dialogs, to drive {@link ClientFlow} and {@link ServerFlow} through
 * {@link Negotiation#client} and {@link Negotiation#server} with nothing of SMTP, IMAP or POP3 in
 * the way: what the flows do is then the flows' own doing.
 *
 * <pre>
 * S: +HI toy                      greeting
 * C: CAPS          S: +CAPS A B   capabilities ("STARTTLS" among them when offered, "?" for unknown)
 * C: STARTTLS      S: +GO | -NO   go-ahead or refusal
 * C: QUIT          S: +BYE        the server closes
 * </pre>
 *
 * <p>The client dialog is gullible on purpose, as a plug-in dialog might be: it takes {@code +GO}
 * as a go-ahead in any state, so only the flow stands between a server and a go-ahead nobody asked
 * for. Every line a client dialog is fed is logged, with the method that got it.
 */
final class Toy {

    static final String GREETING = "+HI toy\r\n";
    static final String FAREWELL = "BYE\r\n";

    private Toy() {
    }

    static Capabilities caps(String words) {
        List<Capability> list = new ArrayList<>();
        for (String word : words.trim().split(" +")) {
            if (!word.isEmpty() && !word.equals("?")) {
                list.add(new Capability(word, List.of()));
            }
        }
        return new Capabilities(list);
    }

    // ---------------------------------------------------------------- client

    /** A fresh client dialog that logs into {@code log}. */
    static ClientDialog client(List<String> log) {
        return new Client("AwaitingGreeting", false, log);
    }

    /**
     * The client's states are one record with a name: a line means what {@link #onLine} says for
     * that name.
     */
    record Client(String state, boolean encrypted, List<String> log) implements ClientDialog {

        @Override
        public ClientStep start(boolean tls) {
            log.add("start(" + tls + ")");
            return ClientStep.Await.sending(new Client("AwaitingGreeting", tls, log), "");
        }

        @Override
        public ClientStep onLine(String line) {
            log.add(state + ": " + line);
            if (line.equals("+GO")) {
                return new ClientStep.GoAhead(to("AfterGoAhead"));
            }
            switch (state) {
                case "AwaitingGreeting":
                    return new ClientStep.Await(to("AwaitingCaps"), "CAPS\r\n", List.of(new Event.GreetingReceived(line, encrypted)));
                case "AwaitingCaps":
                    if (line.startsWith("+CAPS")) {
                        Capabilities caps = caps(line.substring(5));
                        StartTlsOffer offer = line.contains(" ?") ? StartTlsOffer.UNKNOWN
                                : caps.has("STARTTLS") ? StartTlsOffer.OFFERED : StartTlsOffer.NOT_OFFERED;
                        return new ClientStep.Ready(to("Idle"), caps, offer);
                    }
                    if (line.startsWith("-ERR")) {
                        return new ClientStep.NoTls(to("Idle"), Failure.of(Failure.Reason.PREAUTH_WITHOUT_TLS, "no caps", line), caps("X-PLAIN"));
                    }
                    return new ClientStep.Fail(Failure.of(Failure.Reason.MALFORMED_REPLY, "not caps", line), "");
                case "AwaitingGoAhead":
                    return new ClientStep.NoTls(to("Idle"), Failure.of(Failure.Reason.STARTTLS_REFUSED, "refused", line), Capabilities.NONE);
                case "Idle":
                    if (line.startsWith("*")) {
                        return ClientStep.Await.sending(this, ""); // unsolicited data it may take
                    }
                    if (line.startsWith("!")) {
                        return ClientStep.Await.sending(this, "HUH\r\n"); // answers unsolicited data
                    }
                    return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "idle", line), "");
                default:
                    return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "in " + state, line), "");
            }
        }

        @Override
        public ClientStep onLineBeforeCommandSeen(String line) {
            log.add(state + " (before our command was seen): " + line);
            return ClientDialog.super.onLineBeforeCommandSeen(line);
        }

        @Override
        public ClientStep requestStartTls() {
            log.add("requestStartTls in " + state);
            return ClientStep.Await.sending(to("AwaitingGoAhead"), "STARTTLS\r\n");
        }

        @Override
        public ClientStep restartAfterTls() {
            log.add("restartAfterTls in " + state);
            return ClientStep.Await.sending(new Client("AwaitingCaps", true, log), "CAPS\r\n");
        }

        @Override
        public String farewell() {
            return FAREWELL;
        }

        private Client to(String next) {
            return new Client(next, encrypted, log);
        }
    }

    // ---------------------------------------------------------------- server

    /**
     * A server dialog announcing {@code before} in plaintext. Commands it does not know are handed
     * over (plaintext policies) or refused with {@code -ERR} (otherwise).
     */
    static ServerDialog server(ServerConfig config) {
        return server(config, GREETING);
    }

    /** A server dialog that greets with {@code greeting}. */
    static ServerDialog server(ServerConfig config, String greeting) {
        return new Server(config, "Greeting", greeting);
    }

    record Server(ServerConfig config, String state, String greeting) implements ServerDialog {

        @Override
        public ServerStep start() {
            return new ServerStep.Reply(new Server(config, "AwaitingCommand", greeting), greeting);
        }

        @Override
        public ServerStep onLine(String line) {
            switch (line) {
                case "CAPS":
                    return new ServerStep.Reply(this, "+CAPS " + String.join(" ", names(config.capabilitiesBeforeTls()))
                            + (config.policy() == TlsPolicy.PLAINTEXT_ONLY ? "" : " STARTTLS") + "\r\n");
                case "STARTTLS":
                    return new ServerStep.GoAhead("+GO\r\n");
                case "QUIT":
                    return new ServerStep.Close(Failure.of(Failure.Reason.PEER_CLOSED, "the client quit"), "+BYE\r\n");
                default:
                    if (config.policy().allowsPlaintext()) {
                        return new ServerStep.HandOver(config.capabilitiesBeforeTls());
                    }
                    return new ServerStep.Reply(this, "-ERR TLS first\r\n");
            }
        }

        @Override
        public String farewell(Failure.Reason reason) {
            return "-BYE " + reason + "\r\n";
        }

        private static List<String> names(Capabilities caps) {
            return caps.list().stream().map(Capability::name).toList();
        }
    }

    /** The application behind a secured toy server: answers CAPS with {@code after}. */
    static org.starttls4j.testing.Loopback.ServerApp appAnnouncing(String after) {
        return line -> line.equals("CAPS") ? "+CAPS " + after + "\r\n" : null;
    }

    static List<String> lines(String text) {
        return Arrays.asList(text.split("\r\n"));
    }
}
