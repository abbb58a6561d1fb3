/** The detectors the engine runs, in order: registered here like any other (see detector.ts). */
import type { Detector } from './detector.js';
import { keyContainers } from './key-container-detector.js';
import { keyFileByPath } from './key-file-detector.js';
import { kubernetesSecret } from './kubernetes-secret-detector.js';

export const builtinDetectorList: readonly Detector[] = Object.freeze([keyContainers, kubernetesSecret, keyFileByPath]);
