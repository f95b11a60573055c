package dev.oidcflow.springas;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the harness decides at each start, as properties `oidcflow.*` (command line) or variables
 * OIDCFLOW_* (environment; the secrets come this way, so they never show in a process list).
 *
 * @param issuer the issuer to announce; empty: the URL each request came to (http://127.0.0.1:port)
 * @param userName the test user
 * @param userPassword the test user's password (required, generated per run)
 * @param authCodeClientId the public client of the authorization code flow (PKCE, refresh tokens)
 * @param deviceClientId the public client of the device authorization grant
 * @param serviceClientId the confidential client of the client credentials grant
 * @param serviceClientSecret its secret (required, generated per run)
 * @param apiAudience the API every access token is also for (its aud)
 * @param workloadIssuer the CI identity issuer whose JWTs a workload may exchange (RFC 8693);
 *        empty: no workload is trusted
 * @param workloadJwksUri where that issuer's signing keys are (required with workloadIssuer)
 * @param workloadClientId the public client a workload exchanges its platform token at
 * @param workloadSubjects the platform subjects (`sub`) allowed to exchange, comma-separated
 */
@ConfigurationProperties(prefix = "oidcflow")
public record HarnessSettings(String issuer, String userName, String userPassword, String authCodeClientId,
		String deviceClientId, String serviceClientId, String serviceClientSecret, String apiAudience,
		String workloadIssuer, String workloadJwksUri, String workloadClientId, List<String> workloadSubjects) {

	public HarnessSettings {
		userName = orDefault(userName, "alice");
		authCodeClientId = orDefault(authCodeClientId, "oidcflow-cli");
		deviceClientId = orDefault(deviceClientId, "oidcflow-device");
		serviceClientId = orDefault(serviceClientId, "oidcflow-service");
		apiAudience = orDefault(apiAudience, "oidcflow-api");
		workloadClientId = orDefault(workloadClientId, "oidcflow-workload");
		workloadSubjects = (workloadSubjects == null) ? List.of() : List.copyOf(workloadSubjects);
		if (trustsWorkloads(workloadIssuer)) {
			required("oidcflow.workload-jwks-uri (OIDCFLOW_WORKLOAD_JWKS_URI)", workloadJwksUri);
		}
		required("oidcflow.user-password (OIDCFLOW_USER_PASSWORD)", userPassword);
		required("oidcflow.service-client-secret (OIDCFLOW_SERVICE_CLIENT_SECRET)", serviceClientSecret);
	}

	/** Whether a CI identity issuer is trusted at all (the workload client exists only then). */
	public boolean trustsWorkloads() {
		return trustsWorkloads(this.workloadIssuer);
	}

	private static boolean trustsWorkloads(String workloadIssuer) {
		return workloadIssuer != null && !workloadIssuer.isBlank();
	}

	private static String orDefault(String value, String fallback) {
		return (value == null || value.isBlank()) ? fallback : value;
	}

	private static void required(String name, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(name + " is not set; the harness generates it per run");
		}
	}

}
