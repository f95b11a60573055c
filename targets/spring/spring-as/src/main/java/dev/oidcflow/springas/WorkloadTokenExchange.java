package dev.oidcflow.springas;

import java.security.Principal;
import java.text.ParseException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWTParser;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.token.DefaultOAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * RFC 8693 token exchange whose subject token is a workload's platform token (GitHub Actions,
 * GitLab CI, a Kubernetes service account) signed by the trusted CI identity issuer. Spring AS's
 * own token exchange accepts only tokens it issued itself (it looks the subject token up in its
 * authorization service), so this provider takes exactly the JWTs whose `iss` is the trusted
 * issuer and hands every other exchange (a user's own access token) to Spring AS's provider.
 *
 * <p>
 * The subject token must be signed by a key of the issuer's JWKS, unexpired, for this server
 * (`aud` names its issuer URL), and its `sub` must be one of the configured workload subjects;
 * only the workload client may present it. The errors say which check failed, never the token.
 */
final class WorkloadTokenExchange implements AuthenticationProvider {

	/** How a platform's OIDC token is sent (Spring AS's converter refuses `id_token` before this). */
	private static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

	private final HarnessSettings settings;

	private final JwtDecoder decoder;

	private final OAuth2TokenGenerator<? extends OAuth2Token> tokens;

	private final OAuth2AuthorizationService authorizations;

	private final AuthenticationProvider usersExchange;

	WorkloadTokenExchange(HarnessSettings settings, OAuth2TokenGenerator<? extends OAuth2Token> tokens,
			OAuth2AuthorizationService authorizations, AuthenticationProvider usersExchange) {
		this.settings = settings;
		this.tokens = tokens;
		this.authorizations = authorizations;
		this.usersExchange = usersExchange;
		// Keys are fetched on first use and cached by Nimbus; signature, iss, exp and nbf (with
		// Spring's default 60 s of clock skew) are checked here, aud and sub below.
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(settings.workloadJwksUri()).build();
		decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(settings.workloadIssuer()));
		this.decoder = decoder;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2TokenExchangeAuthenticationToken exchange = (OAuth2TokenExchangeAuthenticationToken) authentication;
		if (!JWT_TOKEN_TYPE.equals(exchange.getSubjectTokenType())
				|| !this.settings.workloadIssuer().equals(unverifiedIssuer(exchange.getSubjectToken()))) {
			return this.usersExchange.authenticate(exchange);
		}
		OAuth2ClientAuthenticationToken clientPrincipal = authenticatedClient(exchange);
		RegisteredClient client = clientPrincipal.getRegisteredClient();
		if (!client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.TOKEN_EXCHANGE)) {
			throw failure(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, "the client may not use token exchange");
		}
		if (!this.settings.workloadClientId().equals(client.getClientId())) {
			throw failure(OAuth2ErrorCodes.INVALID_GRANT,
					"platform tokens are accepted from client " + this.settings.workloadClientId() + " only");
		}
		if (exchange.getActorToken() != null) {
			throw failure(OAuth2ErrorCodes.INVALID_REQUEST, "a workload exchanges without an actor_token");
		}
		Jwt platformToken = verified(exchange.getSubjectToken());
		AuthorizationServerContext server = AuthorizationServerContextHolder.getContext();
		if (platformToken.getAudience() == null || !platformToken.getAudience().contains(server.getIssuer())) {
			throw failure(OAuth2ErrorCodes.INVALID_GRANT,
					"subject_token: its aud does not name this authorization server (" + server.getIssuer() + ")");
		}
		if (!this.settings.workloadSubjects().contains(platformToken.getSubject())) {
			throw failure(OAuth2ErrorCodes.INVALID_GRANT,
					"subject_token: sub " + platformToken.getSubject() + " is not a workload this server trusts");
		}
		Set<String> scopes = allowedScopes(client, exchange.getScopes());
		Authentication workload = UsernamePasswordAuthenticationToken.authenticated(platformToken.getSubject(), null,
				AuthorityUtils.NO_AUTHORITIES);

		OAuth2Token generated = this.tokens.generate(DefaultOAuth2TokenContext.builder()
			.registeredClient(client)
			.principal(workload)
			.authorizationServerContext(server)
			.authorizedScopes(scopes)
			.tokenType(OAuth2TokenType.ACCESS_TOKEN)
			.authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
			.authorizationGrant(exchange)
			.build());
		if (generated == null) {
			throw failure(OAuth2ErrorCodes.SERVER_ERROR, "the token generator made no access token");
		}
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				generated.getTokenValue(), generated.getIssuedAt(), generated.getExpiresAt(), scopes);
		OAuth2Authorization.Builder authorization = OAuth2Authorization.withRegisteredClient(client)
			.principalName(platformToken.getSubject())
			.authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
			.authorizedScopes(scopes)
			.attribute(Principal.class.getName(), workload);
		// Kept like Spring AS keeps its own, so introspection and revocation know the token.
		authorization.token(accessToken, (metadata) -> {
			metadata.put(OAuth2TokenFormat.class.getName(), client.getTokenSettings().getAccessTokenFormat().getValue());
			if (generated instanceof ClaimAccessor claims) {
				metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims.getClaims());
			}
		});
		this.authorizations.save(authorization.build());
		return new OAuth2AccessTokenAuthenticationToken(client, clientPrincipal, accessToken, null,
				Map.of(OAuth2ParameterNames.ISSUED_TOKEN_TYPE, exchange.getRequestedTokenType()));
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2TokenExchangeAuthenticationToken.class.isAssignableFrom(authentication);
	}

	private Jwt verified(String token) {
		try {
			return this.decoder.decode(token);
		}
		catch (JwtException ex) {
			// Nimbus and Spring describe the failed check ("Jwt expired at …"), not the token.
			throw failure(OAuth2ErrorCodes.INVALID_GRANT, "subject_token: " + ex.getMessage());
		}
	}

	/** The `iss` of a JWT before its signature is checked: which provider it is for, nothing more. */
	private static String unverifiedIssuer(String token) {
		try {
			return JWTParser.parse(token).getJWTClaimsSet().getIssuer();
		}
		catch (ParseException ex) {
			return null;
		}
	}

	private static OAuth2ClientAuthenticationToken authenticatedClient(Authentication grant) {
		if (grant.getPrincipal() instanceof OAuth2ClientAuthenticationToken client && client.isAuthenticated()) {
			return client;
		}
		throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
	}

	private static Set<String> allowedScopes(RegisteredClient client, Set<String> requested) {
		for (String scope : requested) {
			if (!client.getScopes().contains(scope)) {
				throw failure(OAuth2ErrorCodes.INVALID_SCOPE, "the client may not ask for scope " + scope);
			}
		}
		return new LinkedHashSet<>(requested);
	}

	private static OAuth2AuthenticationException failure(String code, String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(code, description, null));
	}

}
