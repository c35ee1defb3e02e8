package org.starttls4j.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Runs the command line in this JVM, as {@code java -jar starttls4j.jar} would, and keeps what it printed. */
final class Cli {

    /**
     * What one run did.
     *
     * @param status the exit status
     * @param out    standard output
     * @param err    standard error
     */
    record Result(int status, String out, String err) {

        /** Standard output as JSON. */
        JsonNode json() {
            try {
                return ProbeOutput.JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }
}
