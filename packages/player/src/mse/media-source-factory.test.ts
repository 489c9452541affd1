import { describe, it, expect } from 'vitest';
import { PlayerError } from '../errors.js';
import {
  browserEnvironment,
  chooseMediaSource,
  createMediaSource,
  isMimeTypeSupported,
} from './media-source-factory.js';
import { FakeEnvironment, FakeMediaSource } from './test-support/fake-mse.js';

const AVC = 'video/mp4; codecs="avc1.64001f,mp4a.40.2"';

describe('media source factory', () => {
  it('prefers MediaSource over ManagedMediaSource', () => {
    const env = new FakeEnvironment();
    env.ManagedMediaSource = class extends FakeMediaSource {};
    expect(chooseMediaSource(env)).toEqual({ ctor: FakeMediaSource, managed: false });
  });

  it('uses ManagedMediaSource when MediaSource is missing, with remote playback off', () => {
    const env = new FakeEnvironment();
    env.MediaSource = undefined;
    env.ManagedMediaSource = FakeMediaSource;
    const video = { disableRemotePlayback: false };
    const { mediaSource, managed } = createMediaSource(video, env);
    expect(managed).toBe(true);
    expect(mediaSource).toBeInstanceOf(FakeMediaSource);
    expect(video.disableRemotePlayback).toBe(true);
  });

  it('answers isTypeSupported from the chosen implementation', () => {
    FakeMediaSource.supported = new Set([AVC]);
    const env = new FakeEnvironment();
    expect(isMimeTypeSupported(env, AVC)).toBe(true);
    expect(isMimeTypeSupported(env, 'video/mp4; codecs="av01.0.08M.08"')).toBe(false);
    env.MediaSource = undefined;
    expect(isMimeTypeSupported(env, AVC)).toBe(false);
  });

  it('fails with a fatal NO_MSE error where there is no MSE (as in Node)', () => {
    const env = browserEnvironment();
    expect(env.MediaSource).toBeUndefined();
    let error: unknown;
    try {
      chooseMediaSource(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlayerError);
    expect(error).toMatchObject({ code: 'NO_MSE', fatal: true });
  });
});
