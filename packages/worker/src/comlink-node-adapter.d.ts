// TypeScript looks for a .d.mts next to the .mjs deep import; point it at the shipped .d.ts.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import nodeEndpoint from 'comlink/dist/esm/node-adapter';
  export default nodeEndpoint;
}
