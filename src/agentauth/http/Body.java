package agentauth.http;

import agentauth.error.AuthError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request body: a JSON object, or (where allowed) application/x-www-form-urlencoded with the
 * same field names. Read with a hard size limit; duplicated keys or parameters, invalid UTF-8 and
 * wrong types are 400 invalid_request; anything else than the accepted types is 415.
 */
public final class Body {
    public static final int MAX_BYTES = 16 * 1024;

    private final JsonNode json;              // when JSON
    private final Map<String, String> form;   // when a form

    private Body(JsonNode json, Map<String, String> form) {
        this.json = json;
        this.form = form;
    }

    public static Body jsonOrForm(Context ctx) {
        return parse(ctx, true);
    }

    public static Body json(Context ctx) {
        return parse(ctx, false);
    }

    /** A form body only (RFC 6749 token endpoints). */
    public static Body form(Context ctx) {
        String type = mediaType(ctx);
        if (!type.equals("application/x-www-form-urlencoded"))
            throw unsupported("application/x-www-form-urlencoded");
        return new Body(null, parseForm(formText(ctx, "this endpoint takes application/x-www-form-urlencoded fields")));
    }

    private static Body parse(Context ctx, boolean formAllowed) {
        String type = mediaType(ctx);
        if (type.equals("application/json")) {
            byte[] bytes = read(ctx);
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new AuthError.InvalidRequest("The body is not valid JSON" + reason(e) + ".");
            } catch (IOException e) {
                throw new AuthError.InvalidRequest("The body could not be read.");
            }
            if (node == null || !node.isObject()) throw new AuthError.InvalidRequest("The body must be a JSON object.");
            return new Body(node, null);
        }
        if (formAllowed && type.equals("application/x-www-form-urlencoded"))
            return new Body(null, parseForm(formText(ctx, "send it with Content-Type: application/json")));
        throw unsupported(formAllowed ? "application/json or application/x-www-form-urlencoded" : "application/json");
    }

    /**
     * A form body as text. JSON here is a client's mistake, not a form (curl -d sends its
     * argument as a form unless told otherwise): say so, rather than that every field is missing.
     */
    private static String formText(Context ctx, String advice) {
        String text = decodeUtf8(read(ctx));
        String start = text.stripLeading();
        if (start.startsWith("{") || start.startsWith("["))
            throw new AuthError.InvalidRequest("The body looks like JSON but was sent as a form: " + advice + ".");
        return text;
    }

    private static AuthError unsupported(String accepted) {
        return new AuthError.UnsupportedMediaType("Send the body as " + accepted + ".");
    }

    private static String reason(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m != null && m.startsWith("Duplicate field")) return ": a field appears twice";
        return "";
    }

    private static String mediaType(Context ctx) {
        String ct = ctx.header("Content-Type");
        if (ct == null) return "";
        int semi = ct.indexOf(';');
        return (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase(Locale.ROOT);
    }

    /** The body, which BodyBuffer has read in full already (so this never waits on the client). */
    static byte[] read(Context ctx) {
        if (ctx.req().getContentLengthLong() > MAX_BYTES) throw tooLarge();
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) throw tooLarge();
            return bytes;
        } catch (IOException e) {
            throw new AuthError.InvalidRequest("The body could not be read.");
        }
    }

    static AuthError tooLarge() {
        return new AuthError.RequestTooLarge(413, "The body is larger than " + MAX_BYTES + " bytes.");
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AuthError.InvalidRequest("The body is not valid UTF-8.");
        }
    }

    /** application/x-www-form-urlencoded with strict percent-decoding; a repeated name is an error. */
    static Map<String, String> parseForm(String body) {
        Map<String, String> out = new HashMap<>();
        if (body.isEmpty()) return out;
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            if (out.put(name, value) != null) throw new AuthError.InvalidRequest("The parameter '" + safe(name) + "' appears twice.");
        }
        return out;
    }

    static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '+') out.write(' ');
            else if (ch == '%') {
                if (i + 2 >= s.length()) throw new AuthError.InvalidRequest("The form body has a broken % escape.");
                int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new AuthError.InvalidRequest("The form body has a broken % escape.");
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return decodeUtf8(out.toByteArray());
    }

    /** A field name to quote in an error: short and printable. */
    static String safe(String name) {
        String printable = name.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }

    /** A string field, or null when absent (JSON null counts as absent). */
    public String optionalString(String field) {
        if (form != null) return form.get(field);
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new AuthError.InvalidRequest(field + " must be a string.");
        return v.textValue();
    }

    public String string(String field) {
        String v = optionalString(field);
        if (v == null || v.isEmpty()) throw new AuthError.InvalidRequest(field + " is required.");
        return v;
    }

    /** A JSON array of strings, or null when absent. */
    public List<String> optionalStringList(String field) {
        if (form != null) throw new AuthError.InvalidRequest(field + " must be a JSON array.");
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw new AuthError.InvalidRequest(field + " must be an array of strings.");
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) throw new AuthError.InvalidRequest(field + " must be an array of strings.");
            out.add(item.textValue());
        }
        return out;
    }

    /**
     * A JSON field as it came, where null and absent differ (a patch resets a field with null):
     * null when absent, a NullNode when null.
     */
    JsonNode node(String field) {
        if (form != null) throw new AuthError.InvalidRequest(field + " must be sent in a JSON body.");
        return json.get(field);
    }

    /** A JSON boolean, or null when absent. */
    public Boolean optionalBoolean(String field) {
        if (form != null) throw new AuthError.InvalidRequest(field + " must be a JSON boolean.");
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw new AuthError.InvalidRequest(field + " must be true or false.");
        return v.booleanValue();
    }
}
