/**
 * Identify media from its first bytes. The name of a file and the type a data URI declares are never
 * trusted: a provider gets (and a limit is checked against) what the bytes actually are.
 */
import { imageSize } from 'image-size';
import type { MediaInfo } from './types.js';

export type { MediaInfo } from './types.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * ISO-BMFF major/compatible brands that mean a playable MP4-family video. Image (HEIF/AVIF) and
 * audio-only (M4A) brands share the `ftyp` box and must not pass as video.
 */
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'iso7',
  'iso8',
  'iso9',
  'mp41',
  'mp42',
  'mp71',
  'avc1',
  'hvc1',
  'hev1',
  'av01',
  'dash',
  'msdh',
  'msix',
  'mmp4',
  'M4V ',
  'M4VH',
  'M4VP',
  'MSNV',
  'NDAS',
  'NDSC',
  'NDSH',
  'NDSM',
  'NDSP',
  'NDSS',
  'NDXC',
  'NDXH',
  'NDXM',
  'NDXP',
  'NDXS',
  'f4v ',
  'XAVC',
  'CAEP',
]);
const QUICKTIME_BRAND = 'qt  ';
/** Brands that say "this is not a video" even if a generic brand like `isom` is also listed. */
const NON_VIDEO_BRANDS = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'mif1',
  'msf1',
  'avif',
  'avis',
  'M4A ',
  'M4B ',
  'M4P ',
  'crx ',
  'jp2 ',
  'jpx ',
]);
/** QuickTime files written without an `ftyp` box start directly with one of these atoms. */
const QUICKTIME_LEADING_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

function ascii(buf: Buffer, start: number, end: number): string {
  return buf.subarray(start, end).toString('latin1');
}

/** The video container type from the first bytes (12 are enough for most files), or undefined. */
function sniffVideo(head: Buffer): MediaInfo | undefined {
  if (head.length < 12) return undefined;
  const size = head.readUInt32BE(0);
  const type = ascii(head, 4, 8);
  // A box size is 0 ("to end of file"), 1 (64-bit size follows) or at least its 8-byte header.
  if (size !== 0 && size !== 1 && size < 8) return undefined;
  if (type === 'ftyp') {
    if (size !== 0 && size !== 1 && size < 16) return undefined;
    const major = ascii(head, 8, 12);
    const end = size === 0 || size === 1 ? head.length : Math.min(size, head.length);
    const compatible: string[] = [];
    for (let at = 16; at + 4 <= end; at += 4) compatible.push(ascii(head, at, at + 4));
    if (NON_VIDEO_BRANDS.has(major)) return undefined;
    if (major === QUICKTIME_BRAND) return { kind: 'video', mime: 'video/quicktime', ext: 'mov' };
    if (MP4_BRANDS.has(major)) return { kind: 'video', mime: 'video/mp4', ext: 'mp4' };
    // An unknown major brand: a video only if it declares a known video brand and no image/audio one.
    if (compatible.some((b) => NON_VIDEO_BRANDS.has(b))) return undefined;
    if (compatible.includes(QUICKTIME_BRAND)) return { kind: 'video', mime: 'video/quicktime', ext: 'mov' };
    if (compatible.some((b) => MP4_BRANDS.has(b))) return { kind: 'video', mime: 'video/mp4', ext: 'mp4' };
    return undefined;
  }
  if (QUICKTIME_LEADING_ATOMS.has(type)) return { kind: 'video', mime: 'video/quicktime', ext: 'mov' };
  return undefined;
}

function imageKind(bytes: Buffer): Pick<MediaInfo, 'mime' | 'ext'> | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_MAGIC)) return { mime: 'image/png', ext: 'png' };
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { mime: 'image/webp', ext: 'webp' };
  // Recognised so that the refusal can say "GIF is not accepted" instead of "unknown file".
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return { mime: 'image/gif', ext: 'gif' };
  return undefined;
}

/**
 * What the bytes are: PNG, JPEG, WebP (and GIF) images with their displayed dimensions, or MP4/MOV
 * videos. Undefined for anything else. Dimensions are omitted when the header cannot be parsed
 * (a truncated or corrupt image); limit checks that need them then refuse the file.
 */
export function sniffMedia(bytes: Buffer): MediaInfo | undefined {
  const image = imageKind(bytes);
  if (image) {
    const info: MediaInfo = { kind: 'image', ...image };
    try {
      const size = imageSize(bytes);
      if (size.width > 0 && size.height > 0) {
        // EXIF orientations 5–8 rotate by 90°: the picture is shown with its sides swapped.
        const rotated = size.orientation !== undefined && size.orientation >= 5 && size.orientation <= 8;
        info.width = rotated ? size.height : size.width;
        info.height = rotated ? size.width : size.height;
      }
    } catch {
      // Unreadable header: leave the dimensions out.
    }
    return info;
  }
  return sniffVideo(bytes);
}

/** Whether a download's first bytes are an MP4/MOV container (and not, say, an HTML error page). */
export function isMp4Container(head: Buffer): boolean {
  return sniffVideo(head) !== undefined;
}

/** How many leading bytes `isMp4Container` looks at (12 decide most files; the rest hold compatible brands). */
export const CONTAINER_HEAD_BYTES = 64;
