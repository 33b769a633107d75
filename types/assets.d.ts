// Text files (corpora) are bundled as strings: esbuild's `text` loader in the
// bundle, the `textFiles` plugin in vitest.config.ts.
declare module '*.txt' {
  const text: string;
  export default text;
}

// WebAssembly binaries are bundled as bytes: esbuild's `binary` loader.
declare module '*.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
