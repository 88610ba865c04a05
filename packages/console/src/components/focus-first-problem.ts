/** After a refused save: the first field marked invalid (else the first error) takes the focus and scrolls into view. */
export function focusFirstProblem(form: HTMLFormElement | null): void {
  window.requestAnimationFrame(() => {
    const target =
      form?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form?.querySelector<HTMLElement>('.field-error, [data-testid="form-error"]');
    target?.focus();
    target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  });
}
