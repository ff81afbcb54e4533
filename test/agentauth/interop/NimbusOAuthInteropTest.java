package agentauth.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An off-the-shelf OAuth 2.0 client (the Nimbus OAuth 2.0 SDK) against a real server: it discovers
 * the metadata, gets tokens with both client authentication methods, refreshes, introspects and
 * revokes; nimbus-jose-jwt verifies the access tokens against the JWKS as RFC 9068 says.
 */
class NimbusOAuthInteropTest {
    static final String AGENT = "nimbus-agent";
    /** '+' and ':' survive only with the RFC 6749 §2.3.1 encoding Nimbus applies inside Basic. */
    static final String SECRET = "nimbus+secret:42";
    static final String RS = "nimbus-rs";
    static final String RS_SECRET = "nimbus-rs-secret";
    @AutoClose
    static final TestServer server = TestServer.start();
    static AuthorizationServerMetadata metadata;

    @BeforeAll
    static void createUsersAndDiscover() throws Exception {
        server.createUser(AGENT, SECRET, "read", "write");
        server.createUser(RS, RS_SECRET, "introspect");
        metadata = AuthorizationServerMetadata.resolve(new Issuer(server.url()));
    }

    static ClientAuthentication basic(String id, String secret) {
        return new ClientSecretBasic(new ClientID(id), new Secret(secret));
    }

    static TokenResponse token(ClientAuthentication auth, AuthorizationGrant grant, Scope scope) throws Exception {
        HTTPResponse http = new TokenRequest(metadata.getTokenEndpointURI(), auth, grant, scope).toHTTPRequest().send();
        return TokenResponse.parse(http);
    }

    static Tokens tokens(TokenResponse response) {
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toString());
        return response.toSuccessResponse().getTokens();
    }

    static TokenIntrospectionSuccessResponse introspect(AccessToken token) throws Exception {
        HTTPResponse http = new TokenIntrospectionRequest(metadata.getIntrospectionEndpointURI(), basic(RS, RS_SECRET), token)
            .toHTTPRequest().send();
        TokenIntrospectionResponse r = TokenIntrospectionResponse.parse(http);
        assertTrue(r.indicatesSuccess(), http::getBody);
        return r.toSuccessResponse();
    }

    /** An RFC 9068 verifier: ES256 keys from the JWKS, typ at+jwt required, iss, aud and exp checked. */
    static JWTClaimsSet verify(String token) throws Exception {
        ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
            JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).retrying(false).build()));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(server.url(),
            new JWTClaimsSet.Builder().issuer(server.url()).build(), Set.of("sub", "exp", "iat", "jti", "client_id", "scope")));
        return processor.process(token, null);
    }

    @Test
    void the_metadata_is_discovered_and_names_every_endpoint() {
        assertEquals(server.url(), metadata.getIssuer().getValue());
        assertEquals(URI.create(server.url() + "/oauth/token"), metadata.getTokenEndpointURI());
        assertEquals(URI.create(server.url() + "/oauth/revoke"), metadata.getRevocationEndpointURI());
        assertEquals(URI.create(server.url() + "/oauth/introspect"), metadata.getIntrospectionEndpointURI());
        assertEquals(URI.create(server.url() + "/.well-known/jwks.json"), metadata.getJWKSetURI());
        assertTrue(metadata.getGrantTypes().containsAll(List.of(GrantType.CLIENT_CREDENTIALS, GrantType.REFRESH_TOKEN)));
        assertTrue(metadata.getTokenEndpointAuthMethods().containsAll(
            List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST)));
    }

    @Test
    void client_credentials_with_client_secret_basic_gives_a_verifiable_at_jwt() throws Exception {
        Tokens t = tokens(token(basic(AGENT, SECRET), new ClientCredentialsGrant(), new Scope("read")));
        assertEquals(AccessTokenType.BEARER, t.getAccessToken().getType());
        assertEquals(new Scope("read"), t.getAccessToken().getScope());
        assertNull(t.getRefreshToken(), "RFC 6749 §4.4.3");
        JWTClaimsSet claims = verify(t.getAccessToken().getValue());
        assertEquals(AGENT, claims.getSubject());
        assertEquals(AGENT, claims.getStringClaim("client_id"));
        assertEquals("read", claims.getStringClaim("scope"));
    }

    @Test
    void client_credentials_with_client_secret_post_works_too() throws Exception {
        ClientAuthentication post = new ClientSecretPost(new ClientID(AGENT), new Secret(SECRET));
        Tokens t = tokens(token(post, new ClientCredentialsGrant(), null));
        assertEquals(new Scope("read", "write"), t.getAccessToken().getScope());
        assertEquals(AGENT, verify(t.getAccessToken().getValue()).getSubject());
    }

    @Test
    void the_verifier_refuses_a_token_whose_typ_is_not_at_jwt() throws Exception {
        String access = tokens(token(basic(AGENT, SECRET), new ClientCredentialsGrant(), null)).getAccessToken().getValue();
        ConfigurableJWTProcessor<SecurityContext> plainJwt = new DefaultJWTProcessor<>(); // accepts only typ JWT or none
        plainJwt.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
            JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).retrying(false).build()));
        assertThrows(BadJOSEException.class, () -> plainJwt.process(access, null));
        String[] parts = access.split("\\.");
        String swapped = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            new String(java.util.Base64.getUrlDecoder().decode(parts[0]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("at+jwt", "JWT").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(BadJOSEException.class, () -> verify(swapped + "." + parts[1] + "." + parts[2]));
    }

    @Test
    void a_wrong_secret_is_invalid_client_as_nimbus_understands_it() throws Exception {
        TokenResponse r = token(basic(AGENT, "not-the-secret"), new ClientCredentialsGrant(), null);
        assertFalse(r.indicatesSuccess());
        TokenErrorResponse error = r.toErrorResponse();
        assertEquals(OAuth2Error.INVALID_CLIENT.getCode(), error.getErrorObject().getCode());
        assertEquals(401, error.getErrorObject().getHTTPStatusCode());
    }

    @Test
    void refresh_rotates_and_a_reused_token_is_invalid_grant() throws Exception {
        RefreshToken first = new RefreshToken(new Http(server.url()).login(AGENT, SECRET).text("refresh_token"));
        Tokens next = tokens(token(basic(AGENT, SECRET), new RefreshTokenGrant(first), null));
        assertNotNull(next.getRefreshToken());
        assertNotEquals(first, next.getRefreshToken());
        assertNotNull(verify(next.getAccessToken().getValue()).getStringClaim("sid"));
        TokenResponse reuse = token(basic(AGENT, SECRET), new RefreshTokenGrant(first), null);
        assertEquals(OAuth2Error.INVALID_GRANT.getCode(), reuse.toErrorResponse().getErrorObject().getCode());
        assertEquals(400, reuse.toErrorResponse().getErrorObject().getHTTPStatusCode());
    }

    @Test
    void introspection_describes_an_active_token() throws Exception {
        AccessToken access = tokens(token(basic(AGENT, SECRET), new ClientCredentialsGrant(), new Scope("write")))
            .getAccessToken();
        TokenIntrospectionSuccessResponse r = introspect(access);
        assertTrue(r.isActive());
        assertEquals(new Scope("write"), r.getScope());
        assertEquals(new ClientID(AGENT), r.getClientID());
        assertEquals(AGENT, r.getSubject().getValue());
        assertEquals(server.url(), r.getAudience().get(0).getValue());
        assertEquals(server.url(), r.getIssuer().getValue());
        assertEquals(AccessTokenType.BEARER, r.getTokenType());
        assertNotNull(r.getExpirationTime());
        assertNotNull(r.getIssueTime());
        assertNotNull(r.getJWTID());
        assertFalse(introspect(new BearerAccessToken("forged")).isActive());
    }

    @Test
    void revocation_of_the_refresh_token_ends_the_session() throws Exception {
        Tokens session = tokens(token(basic(AGENT, SECRET),
            new RefreshTokenGrant(new RefreshToken(new Http(server.url()).login(AGENT, SECRET).text("refresh_token"))), null));
        assertTrue(introspect(session.getAccessToken()).isActive());
        HTTPResponse revoked = new TokenRevocationRequest(metadata.getRevocationEndpointURI(), basic(AGENT, SECRET),
            session.getRefreshToken()).toHTTPRequest().send();
        assertEquals(200, revoked.getStatusCode());
        assertFalse(introspect(session.getAccessToken()).isActive());
        TokenResponse after = token(basic(AGENT, SECRET), new RefreshTokenGrant(session.getRefreshToken()), null);
        assertEquals(OAuth2Error.INVALID_GRANT.getCode(), after.toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void revocation_of_an_access_token_ends_its_family() throws Exception {
        Tokens session = tokens(token(basic(AGENT, SECRET),
            new RefreshTokenGrant(new RefreshToken(new Http(server.url()).login(AGENT, SECRET).text("refresh_token"))), null));
        HTTPResponse revoked = new TokenRevocationRequest(metadata.getRevocationEndpointURI(),
            new ClientSecretPost(new ClientID(AGENT), new Secret(SECRET)), session.getAccessToken()).toHTTPRequest().send();
        assertEquals(200, revoked.getStatusCode());
        assertFalse(introspect(session.getAccessToken()).isActive());
        assertInstanceOf(TokenErrorResponse.class, token(basic(AGENT, SECRET), new RefreshTokenGrant(session.getRefreshToken()), null));
    }

    @Test
    void the_token_response_parses_as_a_standard_access_token_response() throws Exception {
        TokenResponse r = token(basic(AGENT, SECRET), new ClientCredentialsGrant(), null);
        assertInstanceOf(AccessTokenResponse.class, r);
        assertTrue(((AccessTokenResponse) r).getTokens().getBearerAccessToken().getLifetime() > 0);
    }
}
