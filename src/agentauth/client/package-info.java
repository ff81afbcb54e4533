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
 * the package imports nothing else of agent-auth, and {@code ./build.sh} compiles it on its own
 * against the JDK alone, so an import of anything else fails the build. Two verifiers can drift
 * apart: the test suite runs both against one table of hostile tokens on a real server
 * ({@code test/agentauth/security/HostileTokens.java}), and only rows that need the server's
 * live state (a user that no longer exists, a token without {@code uid} or {@code gen}) may be
 * refused by the server alone.
 *
 * <h2>ES256 and Bouncy Castle</h2>
 * Signatures are checked by the JDK ({@code JdkEs256}) unless the application has Bouncy Castle
 * ({@code bcprov}) on its class path: then by Bouncy Castle's custom P-256 code
 * ({@code BouncyCastleEs256}, loaded by name, so the jar never links against it without it),
 * about ten times faster on JDK 17 for tokens not seen before; tokens seen before cost no
 * signature check either way. The point and range checks that must not depend on the engine
 * or the JDK's version (CVE-2022-21449) are done before either ({@code Es256Key}). Set the
 * system property {@code agentauth.client.es256=jdk} to use the JDK even with Bouncy Castle
 * present. {@link agentauth.client.TokenVerifier#toString()} names the engine in use.
 *
 * <h2>Public API</h2>
 * {@link agentauth.client.AgentAuthClient} and {@link agentauth.client.AgentAuthClientBuilder},
 * {@link agentauth.client.TokenVerifier} (with its {@code StalePolicy}) and
 * {@link agentauth.client.TokenVerifierBuilder}, {@link agentauth.client.TokenClaims},
 * {@link agentauth.client.DpopReplayCache} (for a replay store shared by a service's replicas),
 * {@link agentauth.client.ProtectedResource} (an agent's RFC 9728 discovery of a service's auth
 * server, as MCP clients do it),
 * {@link agentauth.client.DpopProofCheck} (the DPoP proof checks alone, which the server shares),
 * and the exceptions under
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
 * keeps static mutable state. A {@code TokenVerifier} of an issuer that publishes a revocation
 * list polls it on one daemon thread, which {@code close()} ends.
 */
package agentauth.client;
