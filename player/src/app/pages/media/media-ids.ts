/** A VOD id (the platform's broadcast id) or a clip id: time-ordered base 36, as the server checks them. */
export const MEDIA_ID = /^[0-9a-z]{8,40}$/;
