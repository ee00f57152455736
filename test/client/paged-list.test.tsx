/**
 * @jest-environment jsdom
 */
// usePagedList (积分明细's infinite scroll): pages append in order, the end is the end, a reload
// (filter change) wins over a slow page of the old filter, and a failed page can be retried.
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { usePagedList, type CursorPage } from '../../src/hooks/usePagedList'

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

type List = ReturnType<typeof usePagedList<string>>

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

function mount(fetchPage: (cursor?: string) => Promise<CursorPage<string>>) {
  const box: { list?: List } = {}
  function Probe() {
    box.list = usePagedList<string>(fetchPage)
    return null
  }
  const container = document.createElement('div')
  let root!: Root
  act(() => {
    root = createRoot(container)
    root.render(<Probe />)
  })
  return { get list() { return box.list! }, unmount: () => act(() => root.unmount()) }
}

test('pages append in order until nextCursor is null; loadMore at the end does nothing', async () => {
  const fetchPage = jest.fn(async (cursor?: string) =>
    cursor ? { items: ['c', 'd'], nextCursor: null } : { items: ['a', 'b'], nextCursor: 'p2' }
  )
  const view = mount(fetchPage)
  expect(view.list.loaded).toBe(false)

  await act(() => view.list.reload())
  expect(view.list.items).toEqual(['a', 'b'])
  expect(view.list.nextCursor).toBe('p2')

  await act(() => view.list.loadMore())
  expect(view.list.items).toEqual(['a', 'b', 'c', 'd'])
  expect(view.list.nextCursor).toBeNull()

  await act(() => view.list.loadMore())
  expect(fetchPage.mock.calls.map(c => c[0])).toEqual([undefined, 'p2'])
  view.unmount()
})

test('a reload supersedes a page still in flight', async () => {
  const slow = deferred<CursorPage<string>>()
  const fetchPage = jest.fn()
    .mockReturnValueOnce(slow.promise)
    .mockResolvedValueOnce({ items: ['new'], nextCursor: null })
  const view = mount(fetchPage)

  let first!: Promise<void>
  act(() => {
    first = view.list.reload()
  })
  await act(() => view.list.reload())
  expect(view.list.items).toEqual(['new'])

  await act(async () => {
    slow.resolve({ items: ['old'], nextCursor: 'x' })
    await first
  })
  expect(view.list.items).toEqual(['new'])
  expect(view.list.nextCursor).toBeNull()
  view.unmount()
})

test('a failed next page keeps the rows and is retried from the same cursor', async () => {
  const fetchPage = jest.fn()
    .mockResolvedValueOnce({ items: ['a'], nextCursor: 'p2' })
    .mockRejectedValueOnce(new Error('offline'))
    .mockResolvedValueOnce({ items: ['b'], nextCursor: null })
  const view = mount(fetchPage)

  await act(() => view.list.reload())
  await act(() => view.list.loadMore())
  expect(view.list.items).toEqual(['a'])
  expect(view.list.error).toBeInstanceOf(Error)
  expect(view.list.loading).toBe(false)

  await act(() => view.list.loadMore())
  expect(view.list.items).toEqual(['a', 'b'])
  expect(view.list.error).toBeNull()
  expect(fetchPage.mock.calls.map(c => c[0])).toEqual([undefined, 'p2', 'p2'])
  view.unmount()
})

test('concurrent loadMore calls fetch the next page once', async () => {
  const next = deferred<CursorPage<string>>()
  const fetchPage = jest.fn()
    .mockResolvedValueOnce({ items: ['a'], nextCursor: 'p2' })
    .mockReturnValueOnce(next.promise)
  const view = mount(fetchPage)
  await act(() => view.list.reload())

  let pending!: Promise<void>
  act(() => {
    pending = view.list.loadMore()
    void view.list.loadMore()
  })
  await act(async () => {
    next.resolve({ items: ['b'], nextCursor: null })
    await pending
  })
  expect(fetchPage).toHaveBeenCalledTimes(2)
  expect(view.list.items).toEqual(['a', 'b'])
  view.unmount()
})
