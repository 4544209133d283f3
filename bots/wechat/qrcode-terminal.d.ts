// Types for qrcode-terminal 0.12 (the package ships none): prints a QR code as terminal blocks.
declare module "qrcode-terminal" {
  /** Render `text` as a QR code; calls `cb` with the drawing instead of printing when given. */
  export function generate(text: string, opts?: { small?: boolean }, cb?: (qr: string) => void): void;
  const qrcode: { generate: typeof generate };
  export default qrcode;
}
