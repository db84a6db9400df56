export * from './ffmpeg-tools.ts';
