/**
 * Vocabulary shared by the media modules: which request fields carry media, and what sniffing a file
 * tells us about it.
 */

/** The request fields that take an image or a video (the common vocabulary, see catalog/types.ts). */
export type MediaField = 'first_frame_image_url' | 'last_frame_image_url' | 'source_video_url';

export const MEDIA_FIELDS: readonly MediaField[] = ['first_frame_image_url', 'last_frame_image_url', 'source_video_url'];

export type MediaKind = 'image' | 'video';

/** What the bytes are, decided from their magic numbers alone (never from a name or a declared type). */
export interface MediaInfo {
  kind: MediaKind;
  mime: string;
  /** The usual extension, without the dot. */
  ext: string;
  /** Displayed size in pixels (EXIF rotation applied), when it could be read. Images only. */
  width?: number;
  height?: number;
}

/** The kind of media each field takes. */
export function fieldKind(field: MediaField): MediaKind {
  return field === 'source_video_url' ? 'video' : 'image';
}
