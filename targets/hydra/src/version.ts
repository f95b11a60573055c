/** The pinned Ory Hydra release, built from the Go module proxy. */
export const HYDRA_VERSION = 'v2.3.0';

/** The Go module that holds Hydra's `main` package. */
export const HYDRA_MODULE = 'github.com/ory/hydra/v2';

/**
 * Hydra's own go.mod replaces pop with Ory's fork; a `go get` from another module does not
 * inherit replace directives, so the scratch module has to repeat it (copied from Hydra
 * v2.3.0's go.mod) or the build fails on pop's API.
 */
export const HYDRA_GO_REPLACES: Readonly<Record<string, string>> = {
  'github.com/gobuffalo/pop/v6': 'github.com/ory/pop/v6 v6.2.1-0.20241121111754-e5dfc0f3344b',
};

/** `sqlite` for DSN=memory (needs cgo); no extension loading, which Hydra does not use. */
export const HYDRA_BUILD_TAGS = 'sqlite,sqlite_omit_load_extension';
