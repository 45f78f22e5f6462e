/** The signed-in API key: sessionStorage only, so it lasts for this browser tab's session and no longer. */
const KEY = 'lifeline.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};
