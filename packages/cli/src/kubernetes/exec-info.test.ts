import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { readExecInfo } from './exec-info.js';

const info = (value: unknown) => ({ KUBERNETES_EXEC_INFO: JSON.stringify(value) });

describe('KUBERNETES_EXEC_INFO', () => {
  it('absent (run by hand): v1, interactive', () => {
    expect(readExecInfo({})).toEqual({ apiVersion: 'client.authentication.k8s.io/v1', interactive: true });
  });

  it('the version kubectl asked for, and its interactive flag', () => {
    expect(
      readExecInfo(
        info({
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          kind: 'ExecCredential',
          spec: { interactive: false },
        }),
      ),
    ).toEqual({ apiVersion: 'client.authentication.k8s.io/v1beta1', interactive: false });
    expect(
      readExecInfo(info({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: true } }))
        .interactive,
    ).toBe(true);
  });

  it('an unknown version or malformed JSON is a configuration error (exit 7) naming what works', () => {
    const unknown = () =>
      readExecInfo(info({ apiVersion: 'client.authentication.k8s.io/v1alpha1', spec: {} }));
    expect(unknown).toThrow(CliError);
    expect(unknown).toThrow(
      /v1alpha1.*client\.authentication\.k8s\.io\/v1 and client\.authentication\.k8s\.io\/v1beta1/,
    );
    try {
      readExecInfo({ KUBERNETES_EXEC_INFO: '{' });
    } catch (error) {
      expect((error as CliError).exitCode).toBe(7);
    }
    expect.assertions(3);
  });
});
