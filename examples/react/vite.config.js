import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

// The browser reaches localclerk (the offline Clerk the Go API runs) only
// through this dev server: ClerkProvider's proxyUrl is '/__clerk', so
// clerk-js, @clerk/ui and every Frontend API call are same-origin, and
// Vite forwards them to CLERK_FAPI_URL (localclerk), which serves /__clerk/* as its
// Frontend API.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), '');
  return {
    plugins: [react()],
    server: {
      proxy: {
        '/__clerk': { target: env.CLERK_FAPI_URL || 'http://127.0.0.1:3120' },
      },
    },
  };
});
