// Lets TypeScript import Vue single-file components; vue-tsc checks their real types.
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
