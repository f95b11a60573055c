package dev.oidcflow.springas;

import java.time.Instant;
import java.util.Base64;

import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Spring AS's OAuth2RefreshTokenGenerator, without its rule that a public client gets no refresh
 * token from the authorization code grant (it does give one from the device code grant). A CLI is
 * a public client that must not ask the user to log in again every few minutes; the refresh
 * tokens rotate (TokenSettings.reuseRefreshTokens(false)), as OAuth 2.1 section 4.3.1 asks.
 * Whether a client gets one at all still follows its refresh_token grant type.
 */
final class PublicClientRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	private final StringKeyGenerator keys = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(),
			96);

	@Override
	public OAuth2RefreshToken generate(OAuth2TokenContext context) {
		if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
			return null;
		}
		Instant issuedAt = Instant.now();
		Instant expiresAt = issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive());
		return new OAuth2RefreshToken(this.keys.generateKey(), issuedAt, expiresAt);
	}

}
