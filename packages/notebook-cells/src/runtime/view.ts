/**
 * The values of an input as the user changes it: the current value first, then one per `input`
 * event (only the latest if several arrive between pulls). The Observable runtime pulls it once per
 * frame and re-runs the cells that read it; when the cell is invalidated it calls `return()`, which
 * removes the listener.
 */
export async function* inputValues(element: EventTarget): AsyncGenerator<unknown, void, undefined> {
  let changed = true;
  let wake: (() => void) | undefined;
  const onInput = () => {
    changed = true;
    wake?.();
  };
  element.addEventListener('input', onInput);
  try {
    for (;;) {
      if (!changed) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      changed = false;
      yield inputValue(element);
    }
  } finally {
    element.removeEventListener('input', onInput);
  }
}

/** `.value`, read as Observable's inputs are: numbers from number and range inputs, `checked` from checkboxes. */
function inputValue(element: EventTarget): unknown {
  if (element instanceof HTMLInputElement) {
    if (element.type === 'number' || element.type === 'range') return element.valueAsNumber;
    if (element.type === 'checkbox') return element.checked;
  }
  return (element as EventTarget & { value?: unknown }).value;
}
