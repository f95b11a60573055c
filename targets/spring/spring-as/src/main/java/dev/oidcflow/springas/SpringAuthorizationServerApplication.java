package dev.oidcflow.springas;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * oidcflow's conformance target "spring": Spring Authorization Server with the clients, user and
 * pages the harness expects (see AuthorizationServerConfiguration and HarnessSettings).
 */
@SpringBootApplication
public class SpringAuthorizationServerApplication {

	/** The harness waits for this line on stdout; it carries the port the OS gave. */
	static final String READY_LINE = "oidcflow-spring-as: listening on port ";

	private final Environment environment;

	public SpringAuthorizationServerApplication(Environment environment) {
		this.environment = environment;
	}

	public static void main(String[] args) {
		SpringApplication.run(SpringAuthorizationServerApplication.class, args);
	}

	@EventListener(ApplicationReadyEvent.class)
	public void announcePort() {
		System.out.println(READY_LINE + this.environment.getProperty("local.server.port"));
		System.out.flush();
	}

}
