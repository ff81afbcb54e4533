package agentauth.cli;

import agentauth.client.AgentAuthClient;
import agentauth.client.AgentAuthException;
import agentauth.client.BadCredentialsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code token --server URL --username NAME [--scope S]... [--resource URL]}: prints one access
 * token, for shell scripts and curl. Uses {@code client_credentials} at {@code /oauth/token}, so
 * no refresh family is left behind; a server without that endpoint (404) gets {@code /login}
 * followed by {@code /logout}. The secret comes from {@code AGENT_AUTH_PASSWORD} or the first
 * line of standard input, and is never printed. Exit codes: 0 printed, 1 refused, 2 usage,
 * 3 server unavailable or unexpected answer.
 */
public final class TokenCommand {
    static final String USAGE = "usage: token --server URL --username NAME [--scope S]... [--resource URL]"
            + "  (secret from AGENT_AUTH_PASSWORD or the first line of standard input)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenCommand() {
    }

    /** A failure that ends the command with one line on standard error. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Failure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** The parsed command line. */
    private record Options(URI server, String username, List<String> scopes, String resource) {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after the word {@code token}
     * @param env the environment ({@code AGENT_AUTH_PASSWORD})
     * @param stdin where the secret is read from when the variable is unset
     * @param out receives the token, one line, and nothing else
     * @param err receives one line on failure, never the secret
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        try {
            Options o = parse(args);
            String secret = secret(env, stdin);
            String token = clientCredentials(o, secret);
            out.println(token != null ? token : loginLogout(o, secret));
            return 0;
        } catch (Failure f) {
            err.println("token: " + f.getMessage());
            return f.code;
        }
    }

    private static Options parse(String[] args) throws Failure {
        String server = null;
        String username = null;
        String resource = null;
        List<String> scopes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = flag.contains("=") ? flag.substring(flag.indexOf('=') + 1) : null;
            flag = value != null ? flag.substring(0, flag.indexOf('=')) : flag;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new Failure(2, flag + " needs a value; " + USAGE);
                }
                value = args[++i];
            }
            switch (flag) {
                case "--server" -> server = value;
                case "--username" -> username = value;
                case "--resource" -> resource = value;
                case "--scope" -> scopes.addAll(List.of(value.trim().split(" +")));
                default -> throw new Failure(2, "unknown option '" + flag + "'; " + USAGE);
            }
        }
        if (server == null || username == null || username.isEmpty()) {
            throw new Failure(2, "--server and --username are required; " + USAGE);
        }
        URI uri;
        try {
            uri = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
        } catch (IllegalArgumentException e) {
            throw new Failure(2, "--server is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new Failure(2, "--server must be an absolute http or https URL");
        }
        return new Options(uri, username, List.copyOf(scopes), resource);
    }

    private static String secret(Map<String, String> env, InputStream stdin) throws Failure {
        String secret = env.get("AGENT_AUTH_PASSWORD");
        if (secret == null || secret.isEmpty()) {
            try {
                secret = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                secret = null;
            }
        }
        if (secret == null || secret.isEmpty()) {
            throw new Failure(2, "no secret: set AGENT_AUTH_PASSWORD or write it on standard input");
        }
        return secret;
    }

    /** RFC 6749 §4.4; the token, or null when the server has no /oauth/token (404). */
    private static String clientCredentials(Options o, String secret) throws Failure {
        // RFC 6749 §2.3.1: form-encode id and secret before joining them for HTTP Basic
        String basic = Base64.getEncoder().encodeToString(
                (form(o.username()) + ":" + form(secret)).getBytes(StandardCharsets.UTF_8));
        StringBuilder body = new StringBuilder("grant_type=client_credentials");
        if (!o.scopes().isEmpty()) {
            body.append("&scope=").append(form(String.join(" ", o.scopes())));
        }
        if (o.resource() != null) {
            body.append("&resource=").append(form(o.resource()));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(o.server() + "/oauth/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Failure(3, "cannot reach " + o.server() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(3, "interrupted");
        }
        return answer(response, secret);
    }

    private static String answer(HttpResponse<byte[]> response, String secret) throws Failure {
        int status = response.statusCode();
        if (status == 404) {
            return null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            json = null; // not chained or quoted: the body may hold a token
        }
        String access = text(json, "access_token");
        if (status == 200 && access != null) {
            return access;
        }
        String error = text(json, "error");
        String description = text(json, "error_description");
        String said = (error == null ? "status " + status : error)
                + (description == null || description.contains(secret) ? "" : ": " + description);
        if (status == 400 || status == 401) {
            throw new Failure(1, "the server refused the credentials (" + said + ")");
        }
        if (status == 429 || status == 503) {
            String after = response.headers().firstValue("Retry-After").map(s -> ", retry after " + s + " s").orElse("");
            throw new Failure(3, "the server is unavailable (" + said + ")" + after);
        }
        throw new Failure(3, "unexpected answer from POST /oauth/token (" + said + ")");
    }

    /** For servers without /oauth/token: a normal login whose family is ended at once. */
    private static String loginLogout(Options o, String secret) throws Failure {
        try (AgentAuthClient client = AgentAuthClient.builder().server(o.server().toString())
                .username(o.username()).secret(secret).scopes(o.scopes().toArray(String[]::new))
                .resource(o.resource()).build()) {
            return client.accessToken();
        } catch (BadCredentialsException e) {
            throw new Failure(1, e.getMessage());
        } catch (AgentAuthException e) {
            throw new Failure(3, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Failure(2, e.getMessage());
        }
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json == null ? null : json.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
