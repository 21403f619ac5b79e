export declare const DIST: string;
export declare function pagePolicy(root?: string): Promise<string>;
export interface Served {
  readonly url: string;
  readonly requests: readonly { readonly method: string; readonly url: string }[];
  close(): Promise<void>;
}
export declare function serve(options?: { root?: string; port?: number }): Promise<Served>;
