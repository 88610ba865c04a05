import type { PhotoPicker } from '../src/use-chat.ts';

/** The photo library of a browser: a file input limited to images (on a phone, React Native apps inject expo-image-picker). */
export const webPhotoPicker: PhotoPicker = () =>
  new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/png,image/jpeg,image/gif,image/webp';
    input.onchange = () => {
      const file = input.files?.[0];
      resolve(
        file ? { name: file.name, contentType: file.type, body: file, uri: URL.createObjectURL(file) } : null,
      );
    };
    input.oncancel = () => resolve(null);
    input.click();
  });
