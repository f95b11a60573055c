# Homebrew formula template for the oidcflow single executable (a tap's Formula/oidcflow.rb).
# Fill in VERSION, the release URL and the SHA-256 sums from the release's SHA256SUMS
# (scripts/build-binary.mjs writes it); docs/binary.md describes the release layout.
class Oidcflow < Formula
  desc "OIDC login for command-line tools: tokens for scripts, kubectl and git"
  homepage "https://github.com/OWNER/oidcflow"
  version "VERSION"
  license "MIT"

  on_macos do
    on_arm do
      url "https://github.com/OWNER/oidcflow/releases/download/vVERSION/oidcflow-VERSION-darwin-arm64.tar.gz"
      sha256 "SHA256_OF_oidcflow-VERSION-darwin-arm64.tar.gz"
    end
    on_intel do
      url "https://github.com/OWNER/oidcflow/releases/download/vVERSION/oidcflow-VERSION-darwin-x64.tar.gz"
      sha256 "SHA256_OF_oidcflow-VERSION-darwin-x64.tar.gz"
    end
  end

  on_linux do
    on_intel do
      url "https://github.com/OWNER/oidcflow/releases/download/vVERSION/oidcflow-VERSION-linux-x64.tar.gz"
      sha256 "SHA256_OF_oidcflow-VERSION-linux-x64.tar.gz"
    end
  end

  def install
    bin.install "oidcflow"
  end

  test do
    assert_equal version.to_s, shell_output("#{bin}/oidcflow --version").strip
  end
end
