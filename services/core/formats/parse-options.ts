/** Options every parser takes; parsed once from config by the caller and passed down. */
export interface ParseOptions {
  /**
   * Accept configs whose server is a loopback, private, link-local or cloud-metadata
   * address. Off by default: such configs are rejected with a reason code.
   */
  readonly allowPrivateAddresses?: boolean;
}
