// The views and their addresses. Hash history, so the same build works from file:// in Electron
// and from the browser-mode server.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import ChatView from './views/ChatView.vue'
import DatasetsView from './views/DatasetsView.vue'
import DatasetDetailView from './views/datasets/DatasetDetailView.vue'
import ImportWizardView from './views/datasets/ImportWizardView.vue'
import ModelsView from './views/ModelsView.vue'
import RunsView from './views/RunsView.vue'
import SettingsView from './views/SettingsView.vue'
import TrainView from './views/TrainView.vue'
import RunCompareView from './views/runs/RunCompareView.vue'
import RunDetailView from './views/runs/RunDetailView.vue'

export type NavKey = 'datasets' | 'train' | 'runs' | 'chat' | 'models' | 'settings'

declare module 'vue-router' {
  interface RouteMeta {
    nav?: NavKey
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/datasets' },
  { path: '/datasets', name: 'datasets', component: DatasetsView, meta: { nav: 'datasets' } },
  {
    path: '/datasets/import',
    name: 'dataset-import',
    component: ImportWizardView,
    meta: { nav: 'datasets' }
  },
  {
    path: '/datasets/:id(\\d+)',
    name: 'dataset',
    component: DatasetDetailView,
    props: true,
    meta: { nav: 'datasets' }
  },
  { path: '/train', name: 'train', component: TrainView, meta: { nav: 'train' } },
  { path: '/runs', name: 'runs', component: RunsView, meta: { nav: 'runs' } },
  { path: '/runs/compare', name: 'run-compare', component: RunCompareView, meta: { nav: 'runs' } },
  { path: '/runs/:id(\\d+)', name: 'run', component: RunDetailView, meta: { nav: 'runs' } },
  { path: '/chat', name: 'chat', component: ChatView, meta: { nav: 'chat' } },
  { path: '/models', name: 'models', component: ModelsView, meta: { nav: 'models' } },
  { path: '/settings', name: 'settings', component: SettingsView, meta: { nav: 'settings' } },
  { path: '/:unknown(.*)*', redirect: '/datasets' }
]

export const router = createRouter({ history: createWebHashHistory(), routes })
