import { clerkSetup } from '@clerk/testing/playwright';

// clerkSetup asks the Backend API (CLERK_API_URL: localclerk's) for a
// testing token and derives the Frontend API from the publishable key.
export default async function globalSetup() {
  await clerkSetup({ dotenv: false });
}
