// Ctrl+K (Cmd+K on a Mac) opens the global search, wherever the focus is.
export function listen(dotnet) {
  const handler = e => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K")) {
      e.preventDefault();
      dotnet.invokeMethodAsync("OpenFromShortcut");
    }
  };
  window.addEventListener("keydown", handler);
  return { dispose: () => window.removeEventListener("keydown", handler) };
}
