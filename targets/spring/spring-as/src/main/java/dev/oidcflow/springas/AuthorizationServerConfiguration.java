package dev.oidcflow.springas;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationSuccessHandler;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * The authorization server: OIDC discovery, authorization code + PKCE and the device grant for
 * public clients (both with rotating refresh tokens), client credentials for a confidential
 * client, revocation, token exchange (RFC 8693: a user's access token for one with a narrower
 * audience, and a workload's platform token from the trusted CI identity issuer), Spring
 * Security's form login and Spring Authorization Server's own consent page. Everything is in
 * memory and lives as long as the process.
 */
@Configuration
@EnableConfigurationProperties(HarnessSettings.class)
public class AuthorizationServerConfiguration {

	/** Where a user enters a device's code; also where verification_uri_complete points. */
	static final String ACTIVATE_PATH = "/activate";

	/** Where the browser lands after approving a device. */
	static final String ACTIVATED_PATH = "/activated";

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerEndpoints(HttpSecurity http, RegisteredClientRepository registered,
			HarnessSettings settings, OAuth2TokenGenerator<?> tokens,
			OAuth2AuthorizationService authorizations) throws Exception {
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			if (settings.trustsWorkloads()) {
				// Wraps Spring AS's own token exchange, which keeps the users' tokens: one provider for
				// the grant, so its errors are the ones answered (not a later provider's).
				server.tokenEndpoint((token) -> token.authenticationProviders((providers) -> providers
					.replaceAll((provider) -> (provider instanceof OAuth2TokenExchangeAuthenticationProvider users)
							? new WorkloadTokenExchange(settings, tokens, authorizations, users) : provider)));
			}
			server.oidc(Customizer.withDefaults())
				.deviceAuthorizationEndpoint((device) -> device.verificationUri(ACTIVATE_PATH))
				.deviceVerificationEndpoint((verification) -> verification
					.deviceVerificationResponseHandler(new SimpleUrlAuthenticationSuccessHandler(ACTIVATED_PATH)))
				// Public clients authenticate with their client_id alone at the device authorization,
				// token (device code, refresh) and revocation endpoints; Spring AS only accepts that
				// for a PKCE code exchange out of the box.
				.clientAuthentication((authentication) -> authentication
					.authenticationConverter(new ClientIdOnlyAuthentication.Converter())
					.authenticationProvider(new ClientIdOnlyAuthentication.Provider(registered)));
		});
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
		// A browser that is not signed in goes to the login page; API callers get 401.
		http.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(
				new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain userPages(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/error", ACTIVATED_PATH)
			.permitAll()
			.anyRequest()
			.authenticated());
		http.formLogin(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	UserDetailsService users(HarnessSettings settings, PasswordEncoder encoder) {
		return new InMemoryUserDetailsManager(User.withUsername(settings.userName())
			.password(encoder.encode(settings.userPassword()))
			.roles("USER")
			.build());
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(HarnessSettings settings, PasswordEncoder encoder) {
		// Refresh tokens rotate: each refresh returns a new one and the old one stops working.
		TokenSettings rotating = TokenSettings.builder().reuseRefreshTokens(false).build();
		// Consent is asked at every authorization (see forgetfulConsents), and can be refused.
		RegisteredClient authCode = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(settings.authCodeClientId())
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			// The user's own access token for one with a narrower audience (see tokenAudience).
			.authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
			// Any port on the loopback addresses (RFC 8252 section 7.3; Spring AS ignores the port).
			.redirectUri("http://127.0.0.1/callback")
			.redirectUri("http://[::1]/callback")
			.scope(OidcScopes.OPENID)
			.scope(OidcScopes.PROFILE)
			.scope(OidcScopes.EMAIL)
			.clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(true).build())
			.tokenSettings(rotating)
			.build();
		RegisteredClient device = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(settings.deviceClientId())
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			.scope(OidcScopes.OPENID)
			.scope(OidcScopes.PROFILE)
			.scope(OidcScopes.EMAIL)
			.clientSettings(ClientSettings.builder().requireAuthorizationConsent(true).build())
			.tokenSettings(rotating)
			.build();
		RegisteredClient service = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(settings.serviceClientId())
			.clientSecret(encoder.encode(settings.serviceClientSecret()))
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.scope("api.read")
			.build();
		List<RegisteredClient> clients = new ArrayList<>(List.of(authCode, device, service));
		if (settings.trustsWorkloads()) {
			// A CI job or a pod: no secret at all, its platform token is the proof (WorkloadTokenExchange).
			clients.add(RegisteredClient.withId(UUID.randomUUID().toString())
				.clientId(settings.workloadClientId())
				.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
				.authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
				.scope("api.read")
				.build());
		}
		return new InMemoryRegisteredClientRepository(clients);
	}

	/** Spring AS's own store, named so the workload exchange saves its tokens in the same one. */
	@Bean
	OAuth2AuthorizationService authorizationService() {
		return new InMemoryOAuth2AuthorizationService();
	}

	/**
	 * Consents are not remembered, so every authorization shows the consent page and a refusal can
	 * follow an approval in the same run (the harness's consent-denied scenario).
	 */
	@Bean
	OAuth2AuthorizationConsentService forgetfulConsents() {
		return new OAuth2AuthorizationConsentService() {
			@Override
			public void save(OAuth2AuthorizationConsent authorizationConsent) {
			}

			@Override
			public void remove(OAuth2AuthorizationConsent authorizationConsent) {
			}

			@Override
			public OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
				return null;
			}
		};
	}

	/** Spring AS's own token generators, except that public clients also get refresh tokens. */
	@Bean
	OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> jwkSource, HarnessSettings settings) {
		JwtGenerator jwts = new JwtGenerator(new NimbusJwtEncoder(jwkSource));
		jwts.setJwtCustomizer(tokenAudience(settings.apiAudience()));
		return new DelegatingOAuth2TokenGenerator(jwts, new OAuth2AccessTokenGenerator(),
				new PublicClientRefreshTokenGenerator());
	}

	/**
	 * Every access token is also for the API `audience`, beside the client (Spring AS's default
	 * aud): Spring AS takes no audience or resource parameter, so a deployment maps it like this.
	 * A token exchange that names audiences (`audience` or `resource`) gets exactly those, when it
	 * may: a user's token only narrows to audiences it already had, a workload's reaches the API.
	 */
	private static OAuth2TokenCustomizer<JwtEncodingContext> tokenAudience(String api) {
		return (context) -> {
			if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				return;
			}
			if (context.getAuthorizationGrant() instanceof OAuth2TokenExchangeAuthenticationToken exchange) {
				Set<String> requested = new LinkedHashSet<>(exchange.getAudiences());
				requested.addAll(exchange.getResources());
				if (!requested.isEmpty()) {
					List<String> allowed = (context.getAuthorization() != null)
							? audiencesOf(context.getAuthorization()) : List.of(api);
					if (!allowed.containsAll(requested)) {
						// RFC 8693 section 2.2.2; thrown here, the token endpoint answers it as an error.
						throw new OAuth2AuthenticationException(new OAuth2Error("invalid_target",
								"audience: this token may only be exchanged for " + String.join(" ", allowed), null));
					}
					context.getClaims().audience(List.copyOf(requested));
					return;
				}
			}
			context.getClaims().audience(List.of(context.getRegisteredClient().getClientId(), api));
		};
	}

	/** The audiences of the access token a user exchanges (Spring AS keeps its claims). */
	private static List<String> audiencesOf(OAuth2Authorization subject) {
		OAuth2Authorization.Token<?> token = subject.getAccessToken();
		Object aud = (token == null || token.getClaims() == null) ? null : token.getClaims().get("aud");
		if (aud instanceof Collection<?> many) {
			return many.stream().map(String::valueOf).toList();
		}
		return (aud == null) ? List.of() : List.of(String.valueOf(aud));
	}

	/** A signing key made at start; tokens do not outlive the process anyway. */
	@Bean
	JWKSource<SecurityContext> jwkSource() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair keyPair = generator.generateKeyPair();
		RSAKey key = new RSAKey.Builder((RSAPublicKey) keyPair.getPublic())
			.privateKey((RSAPrivateKey) keyPair.getPrivate())
			.keyID(UUID.randomUUID().toString())
			.build();
		return new ImmutableJWKSet<>(new JWKSet(key));
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings(HarnessSettings settings) {
		AuthorizationServerSettings.Builder builder = AuthorizationServerSettings.builder();
		if (settings.issuer() != null && !settings.issuer().isBlank()) {
			builder.issuer(settings.issuer());
		}
		return builder.build();
	}

}
