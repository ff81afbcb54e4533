/**
 * The agent-auth client library: {@link agentauth.client.AgentAuthClient} for agents, which
 * logs in, keeps a valid access token and refreshes it, and {@link agentauth.client.TokenVerifier}
 * for the services agents call (resource servers), which verifies access tokens offline against
 * the issuer's published keys.
 *
 * <h2>Why a verifier of its own</h2>
 * The server signs and verifies with java-jwt. This package does not use it, nor any other
 * library outside the JDK: it is shipped alone as {@code agent-auth-client.jar}, which a Java
 * agent or service puts on its class path without the server's 29 MB of Jetty, Javalin,
 * Jackson and the rest, so nothing in it can clash with the service's own versions of them.
 * It therefore has its own small pieces: a strict JSON reader and writer ({@code JsonReader},
 * {@code JsonWriter}), the JWS check of an access token ({@code JwsCheck}), the JWKS cache
 * ({@code JwksKeys}) and a cache of tokens already verified ({@code VerifiedTokenCache}). The
 * checks are the ones RFC 8725 and RFC 9068 ask for (see {@link agentauth.client.TokenVerifier});
 * the package imports nothing else of agent-auth, so it can be built on its own. (ES256 still
 * goes through Bouncy Castle, {@code BouncyCastleEs256}, for now.)
 *
 * <h2>Public API</h2>
 * {@link agentauth.client.AgentAuthClient} and its builder, {@link agentauth.client.TokenVerifier}
 * and its builder, {@link agentauth.client.TokenClaims}, and the exceptions under
 * {@link agentauth.client.AgentAuthException}: {@link agentauth.client.BadCredentialsException},
 * {@link agentauth.client.ServerUnavailableException},
 * {@link agentauth.client.AuthProtocolException}, {@link agentauth.client.InvalidTokenException}
 * and {@link agentauth.client.InsufficientScopeException}. Every other class is package-private
 * and may change in any release.
 *
 * <h2>Thread-safety</h2>
 * A built {@code AgentAuthClient} or {@code TokenVerifier} may be shared by any number of
 * threads (one instance per server, or per issuer and audience, is the intended use); their
 * builders are not thread-safe. {@code TokenClaims} and the exceptions are immutable. No class
 * keeps static mutable state.
 */
package agentauth.client;
