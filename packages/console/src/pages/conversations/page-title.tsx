/** A compact page title (the workspace has no room for the full page header) that also names the tab. */
import { DocumentTitle } from '../../components/page-header.tsx';

export function PageHeaderTitle({ title }: { title: string }) {
  return (
    <>
      <DocumentTitle title={title} />
      <h1 className="workspace-title">{title}</h1>
    </>
  );
}
