import type { PropsWithChildren } from 'react'
import { MemberProvider } from './store/member'
import './app.scss'

// The app logs in once at launch; every page reads the member from MemberProvider.
function App({ children }: PropsWithChildren) {
  return <MemberProvider>{children}</MemberProvider>
}

export default App
