package dev.oidcflow.springas;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.view.RedirectView;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The two pages of the device flow that Spring AS leaves to the application: where the user types
 * the code (the verification_uri), and where they land once the device is approved. Approving
 * itself is Spring AS's /oauth2/device_verification with its consent page.
 */
@RestController
class DeviceActivationPages {

	@GetMapping(AuthorizationServerConfiguration.ACTIVATE_PATH)
	Object activate(@RequestParam(name = "user_code", required = false) String userCode) {
		if (userCode != null && !userCode.isBlank()) {
			String verification = UriComponentsBuilder.fromPath("/oauth2/device_verification")
				.queryParam("user_code", userCode)
				.encode()
				.toUriString();
			return new RedirectView(verification, true);
		}
		return page("Activate a device", """
				<form id="device-activate" method="get" action="/activate">
				  <label for="user_code">Code shown on your device</label>
				  <input id="user_code" name="user_code" type="text" autocomplete="off" autofocus>
				  <button id="activate" type="submit">Activate</button>
				</form>""");
	}

	@GetMapping(path = AuthorizationServerConfiguration.ACTIVATED_PATH, produces = MediaType.TEXT_HTML_VALUE)
	String activated() {
		return page("Device activated", "<p id=\"device-activated\">You may close this window and return to your device.</p>");
	}

	private static String page(String title, String body) {
		return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + HtmlUtils.htmlEscape(title)
				+ "</title></head><body><h1>" + HtmlUtils.htmlEscape(title) + "</h1>" + body + "</body></html>";
	}

}
