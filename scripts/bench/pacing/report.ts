export function writeReport(_data: unknown): void {}
