// Shows "wrong token" after a refused login (the hub redirects to /login?failed=1).
if (new URLSearchParams(location.search).get('failed') === '1') document.getElementById('failed').hidden = false;
