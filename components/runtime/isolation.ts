/**
 * Keys, wheel and drags that start inside a demo never reach the slide
 * navigation. Marp's bespoke template ignores keys only when the event target
 * is an INPUT; from inside shadow DOM the target is retargeted to the host, so
 * the host has to stop the events itself. Escape hands navigation back by
 * moving focus out of the demo.
 */
const STOPPED = [
  'keyup', 'keypress', 'wheel',
  'pointerdown', 'pointermove', 'pointerup',
  'mousedown', 'mouseup', 'touchstart', 'touchmove', 'touchend',
] as const;

export function isolateInput(host: HTMLElement): void {
  const stop = (event: Event) => event.stopPropagation();
  host.addEventListener('keydown', (event: KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === 'Escape') releaseFocus(host);
  });
  for (const type of STOPPED) host.addEventListener(type, stop, { passive: true });
}

/** Blurs whatever is focused inside the host (through nested shadow roots). */
export function releaseFocus(host: HTMLElement): void {
  let active: Element | null | undefined = host.shadowRoot?.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  (active as HTMLElement | null | undefined)?.blur();
  host.blur();
}
