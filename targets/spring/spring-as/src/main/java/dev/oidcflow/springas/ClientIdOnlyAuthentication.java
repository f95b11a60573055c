package dev.oidcflow.springas;

import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A public client (authentication method "none") names itself with client_id alone, as RFC 6749
 * section 2.3 / RFC 8628 section 3.1 / RFC 7009 section 2.1 allow. Spring AS accepts that only
 * for a PKCE code exchange; this extends it to the device authorization request, the device code
 * and refresh token grants and revocation, as Spring AS's device grant sample does for its device
 * client. A request with a secret, an assertion or a code_verifier is left to Spring AS.
 */
final class ClientIdOnlyAuthentication {

	private ClientIdOnlyAuthentication() {
	}

	/** What the converter found: a client id and nothing that proves more. */
	static final class Token extends OAuth2ClientAuthenticationToken {

		Token(String clientId) {
			super(clientId, ClientAuthenticationMethod.NONE, null, null);
		}

	}

	static final class Converter implements AuthenticationConverter {

		/** Where a public client names itself (not introspection or PAR, which stay confidential). */
		private static final Set<String> ENDPOINTS = Set.of("/oauth2/token", "/oauth2/revoke",
				"/oauth2/device_authorization");

		@Override
		public Authentication convert(HttpServletRequest request) {
			if (!HttpMethod.POST.matches(request.getMethod()) || !ENDPOINTS.contains(request.getServletPath())
					|| request.getHeader(HttpHeaders.AUTHORIZATION) != null
					|| request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
					|| request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) != null
					|| request.getParameter(PkceParameterNames.CODE_VERIFIER) != null) {
				return null;
			}
			String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
			if (clientIds == null || clientIds.length != 1 || clientIds[0].isBlank()) {
				return null;
			}
			return new Token(clientIds[0]);
		}

	}

	static final class Provider implements AuthenticationProvider {

		private final RegisteredClientRepository clients;

		Provider(RegisteredClientRepository clients) {
			this.clients = clients;
		}

		@Override
		public Authentication authenticate(Authentication authentication) {
			String clientId = (String) authentication.getPrincipal();
			RegisteredClient client = this.clients.findByClientId(clientId);
			if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
				// A confidential client must prove itself; an unknown one cannot.
				throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
						"Client authentication failed: " + OAuth2ParameterNames.CLIENT_ID, null));
			}
			return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return Token.class.isAssignableFrom(authentication);
		}

	}

}
