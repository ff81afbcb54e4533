package agentauth;

/** A bad flag, variable or setting: the message is one line for the operator, never a stack trace. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
