import type { Browser } from 'playwright-core';

export const APP_DIR: string;
export const CHROMIUM_ARGS: string[];
export function buildApp(): Promise<void>;
export function startPreview(port?: number): Promise<{ url: string; stop(): Promise<void> }>;
export function launchChromium(): Promise<Browser>;
