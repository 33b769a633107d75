/**
 * The one file that defines every custom element of the project. The bundle
 * (an IIFE loaded with <script defer>) runs this once per page, and starts the
 * TensorFlow.js backend as the deck loads so the first demo does not wait.
 */
import { html } from 'lit';
import { backendInfo, initBackend, tf } from './runtime/backend.js';
import { DemoElement } from './runtime/demo-element.js';
import { LoopController } from './runtime/loop.js';
import { SoftmaxTemperature } from './elements/softmax-temperature.js';
import { SlidingWindow } from './elements/sliding-window.js';
import { CrossEntropy } from './elements/cross-entropy.js';
import { VanishingGradient } from './elements/vanishing-gradient.js';

const elements: Record<string, CustomElementConstructor> = {
  'softmax-temperature': SoftmaxTemperature,
  'sliding-window': SlidingWindow,
  'cross-entropy': CrossEntropy,
  'vanishing-gradient': VanishingGradient,
};

for (const [tag, element] of Object.entries(elements)) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

// Tests and benchmarks read tensor counts and the chosen backend through this handle;
// runtime tests build small fixture elements from its classes.
(globalThis as Record<string, unknown>).__demoRuntime = { tf, initBackend, backendInfo, DemoElement, LoopController, html };

// Warm the backend up while the title slide is on screen.
void initBackend().catch((error) => console.warn('TensorFlow.js backend failed to start:', error));
